/** Kept in step with package.json by the release script; recorded as `sightline.sdk.version`. */
export const SDK_VERSION = '0.1.0';
export { SIGHTLINE_SCOPE_NAME as SDK_NAME } from '@sightline/contracts/semconv';
