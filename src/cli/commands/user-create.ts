import { DEFAULT_CONNECTION } from '../../services/tenants.js';
import { CliError, EXIT } from '../cli-error.js';
import type { CliIo } from '../io.js';
import { requireTenant, withGuardline } from '../with-guardline.js';

export interface UserCreateOptions {
  tenant?: string;
  email: string;
  username?: string;
  password?: string;
  passwordStdin?: boolean;
  locale?: string;
  connection?: string;
}

/** `guardline user create`: a database user. Prefer `--password-stdin`, which keeps the password out of `ps`. */
export async function userCreateCommand(io: CliIo, options: UserCreateOptions): Promise<void> {
  const password = options.passwordStdin ? (await io.readStdin()).replace(/\r?\n$/, '') : options.password;
  if (!password) throw new CliError('a password is required: --password-stdin (recommended) or --password', EXIT.usage);
  await withGuardline(io, async (guardline) => {
    const tenant = await requireTenant(guardline, options.tenant);
    const user = await guardline.services.users.create(tenant, {
      connection: options.connection ?? DEFAULT_CONNECTION,
      email: options.email,
      password,
      ...(options.username ? { username: options.username } : {}),
      ...(options.locale ? { locale: options.locale } : {}),
    });
    io.out(`User ${user.email} created in tenant ${tenant.name}.`);
    io.out(`  user_id           ${user.user_id}`);
  });
}
