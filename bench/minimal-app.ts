/**
 * The smallest cdktf app (one stack, one output), the yardstick of the example synth: the bench
 * bundles and runs it exactly like the app (`node <bundle>`), so the ratio is what the project adds
 * on top of cdktf itself.
 */
import { App, TerraformOutput, TerraformStack } from 'cdktf';

const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? 'cdktf.out' });
const stack = new TerraformStack(app, 'minimal');
new TerraformOutput(stack, 'hello', { value: 'world' });
app.synth();
