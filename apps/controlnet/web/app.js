// The ControlNet page: pick an image and a prompt, then follow POST /generate_stream as it runs.
// The stream sends the edges first, then one event per denoising step, then the image.
import { ApiError, fromErrorBody, fromResponse } from './api-error.js';
import { readEvents } from './sse.js';
import { drawSample } from './sample.js';

const $ = (id) => document.getElementById(id);
const ui = {
  form: $('form'),
  inputs: $('inputs'),
  file: $('image'),
  sample: $('sample'),
  prompt: $('prompt'),
  steps: $('steps'),
  seed: $('seed'),
  apiKey: $('api-key'),
  start: $('start'),
  cancel: $('cancel'),
  progress: $('progress'),
  percent: $('percent'),
  status: $('status'),
  error: $('error'),
  errorMessage: $('error-message'),
  errorDetails: $('error-details'),
  preview: $('input-preview'),
  edges: $('edges'),
  output: $('output'),
  outputCaption: $('output-caption'),
};

/** The image to send: a file the user chose, or the drawn sample. */
let chosen;
/** Aborts the generation in flight, if any. */
let running;

/** `idle`, `running`, `done`, `cancelled` or `failed`: shown to styles and to tests on <body>. */
function setState(state, status) {
  document.body.dataset.state = state;
  ui.status.textContent = status;
  const busy = state === 'running';
  ui.inputs.disabled = busy;
  ui.start.disabled = busy;
  ui.cancel.disabled = !busy;
}

function setProgress(step, total) {
  ui.progress.max = total;
  ui.progress.value = step;
  ui.percent.textContent = `${Math.round((100 * step) / total)} %`;
}

function showImage(img, src) {
  if (img.src.startsWith('blob:')) URL.revokeObjectURL(img.src);
  img.src = src;
  img.hidden = !src;
}

function clearError() {
  ui.error.hidden = true;
  ui.errorMessage.textContent = '';
  ui.errorDetails.replaceChildren();
}

/** Shows an error as text (never as HTML: messages may quote what the user typed). */
function showError(error) {
  const apiError = error instanceof ApiError;
  const message = apiError ? error.message : error instanceof TypeError ? `Could not reach the service: ${error.message}` : String(error?.message ?? error);
  ui.errorMessage.textContent = apiError && error.code ? `${message} (${error.code}${error.status ? `, ${error.status}` : ''})` : message;
  ui.errorDetails.replaceChildren(
    ...(apiError ? error.details : []).map((line) => {
      const item = document.createElement('li');
      item.textContent = line;
      return item;
    }),
  );
  ui.error.hidden = false;
}

function choose(file) {
  chosen = file;
  showImage(ui.preview, file ? URL.createObjectURL(file) : '');
  if (file) setState('idle', `${file.name} is ready. Type a prompt and generate.`);
}

/** The JSON `params` part: only what the user set, so the service's defaults apply to the rest. */
function params() {
  const value = { prompt: ui.prompt.value.trim() };
  if (ui.steps.value !== '') value.num_inference_steps = Number(ui.steps.value);
  if (ui.seed.value !== '') value.seed = Number(ui.seed.value);
  return value;
}

/** One value the stream yielded. */
function show(value) {
  if (value.type === 'edges') {
    showImage(ui.edges, value.image);
    ui.status.textContent = 'Edges found. Generating…';
  } else if (value.type === 'step') {
    setProgress(value.step, value.total);
    const latency = typeof value.latency_ms === 'number' ? `, ${Math.round(value.latency_ms)} ms a step` : '';
    ui.status.textContent = `Step ${value.step} of ${value.total}${latency}`;
  } else if (value.type === 'image') {
    setProgress(ui.progress.max, ui.progress.max);
    showImage(ui.output, value.image);
    ui.outputCaption.textContent = `Generated: ${value.width} × ${value.height}, seed ${value.seed}`;
  }
}

async function generate() {
  clearError();
  if (!chosen) return showError(new Error('Choose an image (or use the sample) first.'));
  if (!ui.prompt.value.trim()) return showError(new Error('Type a prompt first.'));
  const body = new FormData();
  body.append('image', chosen, chosen.name || 'image.png');
  body.append('params', JSON.stringify(params()));
  const controller = new AbortController();
  running = controller;
  showImage(ui.edges, '');
  showImage(ui.output, '');
  ui.outputCaption.textContent = 'Generated';
  setProgress(0, 1);
  setState('running', 'Sending the image…');
  const started = performance.now();
  try {
    const headers = { accept: 'text/event-stream' };
    // Sent only when typed: a service without API keys takes calls without one. Kept in this page's memory only.
    const key = ui.apiKey.value.trim();
    if (key) headers['x-api-key'] = key;
    const response = await fetch('generate_stream', { method: 'POST', body, signal: controller.signal, headers });
    if (!response.ok) throw await fromResponse(response);
    let finished = false;
    for await (const event of readEvents(response.body)) {
      if (event.type === 'error') {
        // The usual error body, with the status the error would have had before the stream began.
        const body = JSON.parse(event.data);
        throw fromErrorBody(body, body?.status) ?? new ApiError('The generation failed.');
      }
      if (event.type === 'result') {
        finished = true;
        break;
      }
      if (event.type === 'message') show(JSON.parse(event.data));
    }
    if (!finished) throw new Error('The service closed the stream before the image was finished.');
    setState('done', `Done in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  } catch (error) {
    if (controller.signal.aborted) {
      setState('cancelled', 'Cancelled.');
    } else {
      showError(error);
      setState('failed', 'Failed.');
      // The service wants a key (none, or a wrong one): the field to type it in.
      if (error instanceof ApiError && error.status === 401) ui.apiKey.focus();
    }
  } finally {
    if (running === controller) running = undefined;
  }
}

ui.file.addEventListener('change', () => choose(ui.file.files[0]));
// A file the browser cannot show may still be sent: the service says what is wrong with it.
ui.preview.addEventListener('error', () => (ui.preview.hidden = true));
ui.sample.addEventListener('click', async () => {
  ui.file.value = '';
  clearError();
  try {
    choose(await drawSample());
  } catch (error) {
    showError(error);
  }
});
ui.form.addEventListener('submit', (event) => {
  event.preventDefault();
  void generate();
});
ui.cancel.addEventListener('click', () => running?.abort());
setState('idle', 'Choose an image to start.');
