export { startFakeModelServer } from './fake-model-server.ts';
export type {
  FakeModelServer,
  RecordedRequest,
  ScriptedReply,
  ScriptedToolCall,
  WireFormat,
} from './fake-model-server.ts';
