/**
 * `text` with every occurrence of `secret` (a token, a client secret) replaced by `placeholder`,
 * so a message a server echoes back never prints the secret; `text` itself without a secret.
 */
export function redact(text: string, secret: string | undefined, placeholder: string): string {
  return secret ? text.split(secret).join(placeholder) : text;
}
