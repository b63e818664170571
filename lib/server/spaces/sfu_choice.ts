// The SFU base URL (as browsers reach it) for one person joining a Space: the one configured SFU,
// or a pick from the list (sfu_placement.ts), with one placement (and its load cache) per config.
import type { Config } from "../config.ts";
import { SfuPlacement } from "../../protocol/sfu_placement.ts";

const placements = new WeakMap<Config, SfuPlacement>();

export async function sfuFor(config: Config, spaceId: string, onStage: boolean): Promise<string> {
  if (config.sfus.length === 0) return config.sfuPublicUrl;
  let placement = placements.get(config);
  if (!placement) placements.set(config, placement = new SfuPlacement(config.sfus));
  return (await placement.pick(spaceId, onStage)).publicUrl;
}
