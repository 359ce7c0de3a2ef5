// RevCent's side of the sign-in: its OAuth 2.0 authorization endpoint (where the merchant
// consents) and token endpoint, spoken through oauth4webapi rather than by hand. The server is
// RevCent's OAuth client (the merchant creates it in RevCent's web app); codes and refresh tokens
// are exchanged here, and nothing of them is logged.
import * as oauth from "oauth4webapi";

export interface RevCentOAuthConfig {
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
}

/** RevCent's tokens for one grant; `expiresAt` in ms. */
export interface RevCentTokens {
  accessToken: string;
  refreshToken?: string;
  expiresAt: number;
}

/** A refresh RevCent refused for good (revoked, rotated elsewhere): the grant must sign in again. */
export class RevCentGrantEnded extends Error {
  override name = "RevCentGrantEnded";
}

export class RevCentOAuth {
  private readonly as: oauth.AuthorizationServer;
  private readonly client: oauth.Client;
  private readonly auth: oauth.ClientAuth;
  private readonly options: { [oauth.allowInsecureRequests]?: boolean };

  constructor(
    config: RevCentOAuthConfig,
    private readonly now: () => number = () => Date.now(),
  ) {
    const token = new URL(config.tokenUrl);
    this.as = {
      issuer: token.origin,
      authorization_endpoint: config.authorizeUrl,
      token_endpoint: config.tokenUrl,
    };
    this.client = { client_id: config.clientId };
    this.auth = oauth.ClientSecretPost(config.clientSecret);
    // Plain http only for a loopback RevCent (the sandbox); a real one is https.
    const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(token.hostname);
    this.options = loopback ? { [oauth.allowInsecureRequests]: true } : {};
  }

  /** Where to send the merchant, and the PKCE verifier to keep until they come back. */
  async authorization(redirectUri: string, state: string): Promise<{ url: string; verifier: string }> {
    const verifier = oauth.generateRandomCodeVerifier();
    const url = new URL(this.as.authorization_endpoint!);
    url.searchParams.set("response_type", "code");
    url.searchParams.set("client_id", this.client.client_id);
    url.searchParams.set("redirect_uri", redirectUri);
    url.searchParams.set("state", state);
    url.searchParams.set("code_challenge", await oauth.calculatePKCECodeChallenge(verifier));
    url.searchParams.set("code_challenge_method", "S256");
    return { url: url.href, verifier };
  }

  /** The merchant's answer at our callback: RevCent's tokens, or an error saying they declined. */
  async exchange(callbackUrl: URL, state: string, redirectUri: string, verifier: string): Promise<RevCentTokens> {
    const params = oauth.validateAuthResponse(this.as, this.client, callbackUrl, state);
    const response = await oauth.authorizationCodeGrantRequest(
      this.as,
      this.client,
      this.auth,
      params,
      redirectUri,
      verifier,
      this.options,
    );
    return this.tokens(await oauth.processAuthorizationCodeResponse(this.as, this.client, response));
  }

  async refresh(refreshToken: string): Promise<RevCentTokens> {
    try {
      const response = await oauth.refreshTokenGrantRequest(
        this.as,
        this.client,
        this.auth,
        refreshToken,
        this.options,
      );
      const result = await oauth.processRefreshTokenResponse(this.as, this.client, response);
      return this.tokens(result, refreshToken);
    } catch (err) {
      if (err instanceof oauth.ResponseBodyError && err.error === "invalid_grant")
        throw new RevCentGrantEnded("RevCent no longer accepts this sign-in");
      throw err;
    }
  }

  private tokens(result: oauth.TokenEndpointResponse, previousRefresh?: string): RevCentTokens {
    const refreshToken = result.refresh_token ?? previousRefresh;
    return {
      accessToken: result.access_token,
      ...(refreshToken ? { refreshToken } : {}),
      // No lifetime given: treat it as an hour, and refresh on the first 401 sooner.
      expiresAt: this.now() + (result.expires_in ?? 3600) * 1000,
    };
  }
}
