// /api/internal/reports: the Space room (signed) hands over a listener's report for moderators.
import { readSignedBody } from "../../../lib/server/http/guards.ts";
import type { Handlers } from "../../../lib/server/http/route.ts";
import type { AnswerInputOf } from "../../../lib/protocol/contract.ts";
import { spaceReport } from "../../../lib/protocol/internal_api.ts";
import { SpaceService } from "../../../lib/server/spaces/service.ts";

export const handler: Handlers = {
  async POST(c) {
    const report = await readSignedBody(c, spaceReport);
    await new SpaceService(c.get("deps")).spaces.saveReport(report);
    return c.json({ ok: true } satisfies AnswerInputOf<typeof spaceReport>);
  },
};
