/**
 * `npm run access-map -- [--dir cdktf.out] [--json]`
 *
 * Prints who can call or assume what, read from the synthesized stacks: Markdown with a Mermaid
 * diagram, or JSON.
 */
import '../core/bindings-preflight'; // first: a missing .gen/ says "run npm run get"
import { parseCommandLine } from '../core/command-line';
import { buildAccessMap, readSynthesizedApp, renderAccessMapMarkdown } from '../access';

const HELP = `Usage: npm run access-map -- [--dir <cdktf.out>] [--json]

Reads the synthesized stacks (run 'npm run synth' first) and prints the effective access model:
API Gateway clients, scopes, APIs, stages and JWT settings; RAM issuer, OIDC provider, role trust
conditions and policies. Markdown with a Mermaid diagram by default.

Options:
  --dir <path>  cdktf output directory to read (default: cdktf.out)
  --json        Print the model as JSON instead of Markdown.
  --help        Show this help.
`;

function main(argv: string[]): number {
  const line = parseCommandLine(argv, { dir: { type: 'string' }, json: { type: 'boolean' } }, HELP);
  if (line.exitCode !== undefined) return line.exitCode;
  const { values } = line;
  const map = buildAccessMap(readSynthesizedApp(values.dir ?? 'cdktf.out'));
  process.stdout.write(values.json ? `${JSON.stringify(map, null, 2)}\n` : renderAccessMapMarkdown(map));
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`access-map failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
