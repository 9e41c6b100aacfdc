"""The hub's HTTP side: registering (standard library only, each request with a deadline)."""
import asyncio
import json
import urllib.error
import urllib.parse
import urllib.request


class HubHttpError(Exception):
    """An HTTP answer the device could not use, with the hub's error code when it sent one."""

    def __init__(self, status, code, message, retry_after=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.retry_after = retry_after


def base_url(hub):
    """`http(s)://host:port` without a trailing slash."""
    return hub.rstrip("/")


def socket_url(hub, registration_id):
    """The socket URL of a registration (`ws://` for `http://`, `wss://` for `https://`)."""
    return f"ws{base_url(hub)[4:]}/ws/{urllib.parse.quote(registration_id, safe='')}"


def _request(url, body, token, timeout, ssl_context):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=ssl_context) as answer:
            return answer.status, answer.read(), None
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers.get("retry-after")


async def register(hub, user_id, token=None, name=None, timeout=10.0, ssl_context=None):
    """Registers `user_id` (by `name`: the same registration again); returns its id.

    Raises HubHttpError, OSError (network) or asyncio.TimeoutError (no answer within `timeout`).
    """
    body = {"user_id": user_id} if name is None else {"user_id": user_id, "name": name}
    url = f"{base_url(hub)}/register"
    call = asyncio.to_thread(_request, url, body, token, timeout, ssl_context)
    status, data, retry_after = await asyncio.wait_for(call, timeout)
    try:
        answer = json.loads(data or b"null")
    except ValueError:
        answer = None
    if status != 200:
        error = answer.get("error") if isinstance(answer, dict) else None
        code = error.get("code", "http_error") if isinstance(error, dict) else "http_error"
        message = error.get("message", f"HTTP {status}") if isinstance(error, dict) else f"HTTP {status}"
        try:
            wait = float(retry_after) if retry_after else None
        except ValueError:
            wait = None
        raise HubHttpError(status, code, f"register: {message}", wait)
    if not isinstance(answer, dict) or not isinstance(answer.get("id"), str):
        raise HubHttpError(status, "bad_answer", "register: the hub answered without an id")
    return answer["id"]
