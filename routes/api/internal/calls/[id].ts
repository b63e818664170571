// /api/internal/calls/<id>: the call room's reports (signed with the server secret; the CSRF
// guard skips /api/internal/).
import { applyCallView } from "../../../../lib/server/calls/call_service.ts";
import { HttpError } from "../../../../lib/server/http/errors.ts";
import { readSignedBody } from "../../../../lib/server/http/guards.ts";
import type { Handlers } from "../../../../lib/server/http/route.ts";
import { CallReport } from "../../../../lib/protocol/call.ts";

export const handler: Handlers = {
  async POST(c) {
    const deps = c.get("deps");
    const report = CallReport.safeParse(await readSignedBody(c));
    if (!report.success || report.data.call.callId !== c.req.param("id")) throw new HttpError(400, "err.bad_request");
    await applyCallView(deps, report.data.call);
    return c.json({ ok: true });
  },
};
