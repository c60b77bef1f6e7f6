// The platform the library runs on: Node's here. The browser bundle of the live pages
// (scripts/live/build.mjs) resolves this file to ./browser instead.
export { platform } from './node';
export type { DataFiles, Frontend, KernelThread, MimeBundle, Platform, UpdatableDisplay } from './platform';
