// CSS imported for its side effect: Vite bundles it into the app's stylesheet.
declare module "*.css";
