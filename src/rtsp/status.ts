/** RTSP status codes the server sends, with their reason phrases (RFC 2326 §7.1.1 and §11). */

export const RtspStatus = {
  OK: 200,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  REQUEST_ENTITY_TOO_LARGE: 413,
  REQUEST_URI_TOO_LARGE: 414,
  SESSION_NOT_FOUND: 454,
  METHOD_NOT_VALID_IN_THIS_STATE: 455,
  UNSUPPORTED_TRANSPORT: 461,
  INTERNAL_SERVER_ERROR: 500,
  NOT_IMPLEMENTED: 501,
  SERVICE_UNAVAILABLE: 503,
  RTSP_VERSION_NOT_SUPPORTED: 505,
} as const;

const REASONS: Readonly<Record<number, string>> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Request Entity Too Large',
  414: 'Request-URI Too Large',
  454: 'Session Not Found',
  455: 'Method Not Valid in This State',
  461: 'Unsupported Transport',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  505: 'RTSP Version not supported',
};

/** The reason phrase of `status`, or a generic one for a code this table does not name. */
export function reasonPhrase(status: number): string {
  return REASONS[status] ?? (status < 400 ? 'OK' : status < 500 ? 'Client Error' : 'Server Error');
}
