import Provider from 'oidc-provider';
export const p: typeof Provider = Provider;
