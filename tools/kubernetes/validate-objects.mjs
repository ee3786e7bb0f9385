// Validates Kubernetes objects against the API's schemas with kubernetes-models (an ES module,
// hence a script the CommonJS tests run as a child process). Reads a JSON array of objects on
// stdin; prints one line per invalid object (`Kind/name: problems`) and exits 1 if any, else 0.
const input = await new Promise((resolve) => {
  let text = '';
  process.stdin.setEncoding('utf8').on('data', (chunk) => (text += chunk)).on('end', () => resolve(text));
});
const problems = [];
for (const object of JSON.parse(input)) {
  const where = `${object.kind}/${object.metadata?.name}`;
  let Model;
  try {
    // `apps/v1` → kubernetes-models/apps/v1/Deployment; the core group `v1` → kubernetes-models/v1/Service.
    Model = (await import(`kubernetes-models/${object.apiVersion}/${object.kind}`))[object.kind];
  } catch {
    problems.push(`${where}: no schema for ${object.apiVersion} ${object.kind}`);
    continue;
  }
  try {
    new Model(object).validate();
  } catch (error) {
    problems.push(`${where}: ${error.message}`);
  }
}
for (const line of problems) console.log(line);
process.exit(problems.length ? 1 : 0);
