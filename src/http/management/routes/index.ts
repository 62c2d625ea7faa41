import type { Services } from '../../../services/index.js';
import type { App } from '../../types.js';
import createClient from './clients/create.js';
import getClient from './clients/get.js';

export type ManagementRoute = (app: App, services: Services) => void;

/** Every Management API route, one module each. Adding a route = adding its module here. */
export const MANAGEMENT_ROUTES: ManagementRoute[] = [createClient, getClient];
