// The login and error pages moved to ./views/ with the MFA screens; this keeps the routes' imports working.
export { loginPage, type LoginPageModel } from './views/login.js';
export { errorPage } from './views/error.js';
