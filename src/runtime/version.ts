/** Kept in step with package.json by a test (reading package.json at run time would cost start-up time). */
export const VERSION = '0.1.0';
