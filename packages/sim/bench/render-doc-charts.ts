/*
 * Renders the chart docs/simulation.md shows (HTML report): the service level
 * per interval of the Support queue of docs/examples/small-center.json, with
 * the scenario's own seed, as the HTML report draws it.
 *
 * The scenario is the repository's own example, checked by scenarioProblems;
 * the file's schema check lives in packages/cli, which the simulator may not
 * import (DESIGN.md §3).
 *
 * Run: npx tsx packages/sim/bench/render-doc-charts.ts (from the repository root).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { sectionCharts } from '../src/report-html.ts';
import { scenarioProblems, type Scenario } from '../src/scenario.ts';
import { simulate } from '../src/simulator.ts';

const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));
const scenarioPath = `${repositoryRoot}docs/examples/small-center.json`;
const chartPath = `${repositoryRoot}docs/images/small-center-service-level.svg`;

const scenario = JSON.parse(await readFile(scenarioPath, 'utf8')) as Scenario;
const problems = scenarioProblems(scenario);
if (problems.length > 0) {
  throw new Error(`${scenarioPath} is not a valid scenario: ${JSON.stringify(problems)}`);
}
const { report } = simulate(scenario);
const support = report.queues.find((section) => section.queueId === 'support');
if (support === undefined) throw new Error(`${scenarioPath} has no queue "support".`);
const charts = await sectionCharts(report, support);
await writeFile(chartPath, `${charts.serviceLevel}\n`);
process.stdout.write(`wrote ${chartPath}\n`);
