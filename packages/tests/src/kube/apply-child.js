// Runs applyToCluster in a process of its own: @kubernetes/client-node is an ES module, which a
// CommonJS Jest test cannot import. Usage: node apply-child.js <objects.json> <rollout timeout s>
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { applyToCluster } = require(path.join(__dirname, '../../../core/dist/deploy/cluster/apply-to-cluster.js'));

const objects = JSON.parse(readFileSync(process.argv[2], 'utf8'));
applyToCluster(objects, { rolloutTimeoutSeconds: Number(process.argv[3]), pollMs: 20, report: (line) => console.log(line) })
  .then((result) => console.log(`done ${JSON.stringify(result)}`))
  .catch((error) => {
    console.error(error.message);
    process.exitCode = 1;
  });
