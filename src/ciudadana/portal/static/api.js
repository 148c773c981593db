// The portal's API, same origin, relative URLs. Every JSON answer is kept in a Map, so going back
// to a view already seen costs no request. Errors come back as ApiError with a readable message
// (the API's own {"error": {"code", "message"}} when it sends one).

/** The API root, relative to the page (works when the portal is served under a prefix). */
export const API_ROOT = new URL("api/v1/", document.baseURI);

export class ApiError extends Error {
  constructor(message, { status = 0, code = "", offline = false } = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.offline = offline;
  }
}

/** The URL of `path` under the API with the non-empty `params` in a stable order. */
export function apiUrl(path, params = {}) {
  const url = path ? new URL(path, API_ROOT) : new URL(API_ROOT.href.replace(/\/$/, ""));
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, value);
  }
  return url;
}

const cache = new Map();

/** GET `path` with `params` as JSON, once per URL (the promise is cached, failures are not). */
export function getJson(path, params = {}) {
  const url = apiUrl(path, params).href;
  if (!cache.has(url)) {
    const promise = request(url);
    cache.set(url, promise);
    promise.catch(() => cache.delete(url));
  }
  return cache.get(url);
}

async function request(url) {
  let response;
  try {
    response = await fetch(url, { headers: { Accept: "application/json" } });
  } catch (err) {
    throw new ApiError(String(err && err.message), { offline: true });
  }
  let body = null;
  try {
    body = await response.json();
  } catch (err) {
    body = null;
  }
  if (!response.ok) {
    const error = body && body.error;
    throw new ApiError(error && error.message ? error.message : "", {
      status: response.status,
      code: (error && error.code) || "",
    });
  }
  if (body === null) throw new ApiError("", { status: response.status, code: "invalid-json" });
  return body;
}
