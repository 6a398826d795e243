// Style sheets are imported for their side effect; Vite turns them into hashed CSS files.
declare module '*.css';
