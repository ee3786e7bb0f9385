// What bentofile.yaml's `service: "service:ControlNet"` names (this folder's ./service.ts), as in
// the Python example; the service itself lives in src/.
export { ControlNet } from './src/service';
