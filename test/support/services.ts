/** Where the test suite expects its real services (the node-svc machine runs both). */
export const TEST_POSTGRES_URL = process.env.GUARDLINE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.GUARDLINE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const CHROMIUM_PATH = process.env.GUARDLINE_TEST_CHROMIUM ?? '/usr/bin/chromium';
