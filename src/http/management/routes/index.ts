import type { Services } from '../../../services/index.js';
import type { App } from '../../types.js';
import createClientGrant from './client-grants/create.js';
import deleteClientGrant from './client-grants/delete.js';
import listClientGrants from './client-grants/list.js';
import updateClientGrant from './client-grants/update.js';
import createClient from './clients/create.js';
import deleteClient from './clients/delete.js';
import getClient from './clients/get.js';
import listClients from './clients/list.js';
import rotateClientSecret from './clients/rotate-secret.js';
import updateClient from './clients/update.js';
import listConnections from './connections/list.js';
import getSigningKey from './keys/get.js';
import listSigningKeys from './keys/list.js';
import revokeSigningKey from './keys/revoke.js';
import rotateSigningKey from './keys/rotate.js';
import getLog from './logs/get.js';
import listLogs from './logs/list.js';
import getTenantSettings from './tenants/get-settings.js';
import updateTenantSettings from './tenants/update-settings.js';
import createUser from './users/create.js';
import deleteUser from './users/delete.js';
import getUser from './users/get.js';
import listUsersByEmail from './users/list-by-email.js';
import listUsers from './users/list.js';
import listUserLogs from './users/logs.js';
import updateUser from './users/update.js';

export type ManagementRoute = (app: App, services: Services) => void;

/** Every Management API route, one module each. Adding a route = adding its module here. */
export const MANAGEMENT_ROUTES: ManagementRoute[] = [
  // clients
  createClient,
  listClients,
  getClient,
  updateClient,
  deleteClient,
  rotateClientSecret,
  // users
  createUser,
  listUsers,
  listUsersByEmail,
  getUser,
  updateUser,
  deleteUser,
  listUserLogs,
  // client grants
  createClientGrant,
  listClientGrants,
  updateClientGrant,
  deleteClientGrant,
  // logs
  listLogs,
  getLog,
  // tenant settings
  getTenantSettings,
  updateTenantSettings,
  // signing keys
  listSigningKeys,
  getSigningKey,
  rotateSigningKey,
  revokeSigningKey,
  // connections
  listConnections,
];
