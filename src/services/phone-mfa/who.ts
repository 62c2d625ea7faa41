import type { ClientRow } from '../../store/repositories/clients.js';
import type { UserWithConnection } from '../../store/repositories/users.js';

/** The name Auth0's log entries show for a user. */
export const userName = (user: UserWithConnection) => user.email ?? user.username ?? user.user_id;

/** The actor fields of a phone MFA event: the user, and the application when there is one. */
/** The application a step is for, as events name it (a login page's enrolment ticket has none: `client_id` ''). */
export type ClientRef = Pick<ClientRow, 'client_id' | 'name'>;

export const who = (user: UserWithConnection, client?: ClientRef) => ({
  userId: user.user_id,
  userName: userName(user),
  connection: user.connection_name,
  ...(client ? { clientId: client.client_id, clientName: client.name } : {}),
});
