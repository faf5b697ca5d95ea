/**
 * The manager's ADD/DEL/USERS (docs/manager-protocol.txt) over the server's user directory:
 * a users file is changed atomically and survives a restart; -u users live in memory only (said in
 * the reply's log line and the README). ADD creates the user's Maildir; DEL never removes mail.
 */
import type { Logger } from 'pino';
import { StaticUsers } from '../auth/static-users.js';
import type { UserDirectory } from '../auth/types.js';
import { UsersFile } from '../auth/users-file.js';
import type { UserAdmin } from '../manager/index.js';
import { createMaildrop } from '../store/maildir-store.js';

export function userAdminFor(users: UserDirectory, root: string, logger: Logger): UserAdmin {
  return {
    listUsers: () => users.listUsers(),
    async addUser(user, password) {
      await createMaildrop(root, user, 'maildir');
      if (users instanceof UsersFile) {
        await users.commit(() => users.add(user, password));
      } else if (users instanceof StaticUsers) {
        users.set(user, password);
        logger.warn({ user }, 'user added in memory only: start the server with --users FILE to keep users across restarts');
      } else {
        throw new Error('this user directory cannot be changed');
      }
    },
    async removeUser(user) {
      if (users instanceof UsersFile) {
        await users.commit(() => users.remove(user));
      } else if (users instanceof StaticUsers) {
        users.delete(user);
      } else {
        throw new Error('this user directory cannot be changed');
      }
    },
  };
}
