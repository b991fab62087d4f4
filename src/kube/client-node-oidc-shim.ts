// SPDX-License-Identifier: Apache-2.0
import type { User } from '@kubernetes/client-node';

/** What `KubeConfig` calls on each of its authenticators. */
interface Authenticator {
  isAuthProvider(user: User): boolean;
  applyAuthentication(user: User, opts: object): Promise<void>;
}

/**
 * Stands in for client-node's `OpenIDConnectAuth` when `dist/config.js` imports it in the daemon
 * (see `client-node-trim.ts`). The real one pulls in `openid-client` and `jose` (~7 MB) at start-up
 * for kubeconfigs that a CCM almost never has. This one answers `isAuthProvider` with the same
 * rule and loads the real authenticator on the first OIDC request, then delegates to it, so an
 * `oidc` auth-provider kubeconfig works exactly as before.
 */
export class OpenIDConnectAuth implements Authenticator {
  #real: Promise<Authenticator> | undefined;

  isAuthProvider(user: User): boolean {
    // client-node types `authProvider` as any; read it without trusting its shape.
    const provider: unknown = user.authProvider;
    return (
      typeof provider === 'object' && provider !== null && (provider as { name?: unknown }).name === 'oidc'
    );
  }

  async applyAuthentication(user: User, opts: object): Promise<void> {
    this.#real ??= import('@kubernetes/client-node/dist/oidc_auth.js').then(
      (m) => new m.OpenIDConnectAuth() as Authenticator,
    );
    await (await this.#real).applyAuthentication(user, opts);
  }
}
