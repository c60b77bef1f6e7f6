/**
 * The kernel's messages, shaped as Jupyter's messaging protocol (version 5.3) shapes them,
 * so that the same kernel could sit behind a JupyterLite front end: a front end sends
 * execute_request (shell); the kernel answers on iopub with status (busy), execute_input,
 * then any of stream, display_data, update_display_data, execute_result and error, then
 * status (idle), and on shell with execute_reply.
 */

export interface Header {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}

export type Channel = 'shell' | 'iopub' | 'control';

export interface Message<C = Record<string, unknown>> {
  channel: Channel;
  header: Header;
  parent_header: Partial<Header>;
  metadata: Record<string, unknown>;
  content: C;
}

export interface ExecuteRequest {
  code: string;
  silent?: boolean;
  store_history?: boolean;
  user_expressions?: Record<string, string>;
  allow_stdin?: boolean;
  stop_on_error?: boolean;
}

export interface StreamContent {
  name: 'stdout' | 'stderr';
  text: string;
}

export interface DisplayContent {
  data: Record<string, string>;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}

/** Where in the cells an error was raised: the run that ran the code, and its line there. */
export interface ErrorLocation {
  execution_count: number;
  line: number;
}

export interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
  /** Not in Jupyter's protocol (front ends ignore it): the innermost cell line the error passed through. */
  location?: ErrorLocation;
}

export interface ExecuteReply {
  status: 'ok' | 'error' | 'aborted';
  execution_count: number;
  user_expressions?: Record<string, unknown>;
  payload?: unknown[];
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

export const PROTOCOL_VERSION = '5.3';

let counter = 0;

/** A fresh message id (unique within the worker's life, which is all a front end needs here). */
export function messageId(): string {
  counter += 1;
  return `${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** A message of `type` on `channel`, in answer to `parent` (or to nothing). */
export function message<C>(channel: Channel, type: string, content: C, parent?: Message<unknown>, session = parent?.header.session ?? ''): Message<C> {
  return {
    channel,
    header: { msg_id: messageId(), msg_type: type, session, username: 'kernel', date: new Date().toISOString(), version: PROTOCOL_VERSION },
    parent_header: parent ? parent.header : {},
    metadata: {},
    content,
  };
}
