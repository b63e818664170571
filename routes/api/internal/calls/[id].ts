// /api/internal/calls/<id>: the call room's reports (signed with the server secret; the CSRF
// guard skips /api/internal/).
import { applyCallView } from "../../../../lib/server/calls/call_service.ts";
import { HttpError } from "../../../../lib/server/http/errors.ts";
import { readSignedBody } from "../../../../lib/server/http/guards.ts";
import type { Handlers } from "../../../../lib/server/http/route.ts";
import type { AnswerInputOf } from "../../../../lib/protocol/contract.ts";
import { callReport } from "../../../../lib/protocol/internal_api.ts";

export const handler: Handlers = {
  async POST(c) {
    const deps = c.get("deps");
    const report = await readSignedBody(c, callReport);
    if (report.call.callId !== c.req.param("id")) throw new HttpError(400, "err.bad_request");
    await applyCallView(deps, report.call);
    return c.json({ ok: true } satisfies AnswerInputOf<typeof callReport>);
  },
};
