/** Kept in step with package.json by the release script; recorded as `sightline.sdk.version`. */
export const SDK_VERSION = '0.1.0';
export const SDK_NAME = '@sightline/sdk';
