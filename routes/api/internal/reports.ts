// /api/internal/reports: the Space room (signed) hands over a listener's report for moderators.
import { HttpError } from "../../../lib/server/http/errors.ts";
import { readSignedBody } from "../../../lib/server/http/guards.ts";
import type { Handlers } from "../../../lib/server/http/route.ts";
import { SpaceReport } from "../../../lib/protocol/space_http.ts";
import { SpaceService } from "../../../lib/server/spaces/service.ts";

export const handler: Handlers = {
  async POST(c) {
    const report = SpaceReport.safeParse(await readSignedBody(c));
    if (!report.success) throw new HttpError(400, "err.bad_request");
    await new SpaceService(c.get("deps")).spaces.saveReport(report.data);
    return c.json({ ok: true });
  },
};
