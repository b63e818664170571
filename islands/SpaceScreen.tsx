import { useSignal } from "@preact/signals";
import { useEffect, useMemo } from "preact/hooks";
import {
  ActionBar,
  type ActionBarProps,
  Reactions,
  type SheetName,
  SpilledActions,
} from "../components/space/ActionBar.tsx";
import { AudioBar } from "../components/space/AudioBar.tsx";
import { CommentComposer, Comments, PinnedItem } from "../components/space/Comments.tsx";
import { HostTools } from "../components/space/HostTools.tsx";
import { Listeners } from "../components/space/Listeners.tsx";
import { SpaceHeader } from "../components/space/SpaceHeader.tsx";
import { SpaceSettings } from "../components/space/SpaceSettings.tsx";
import { Stage, type StageAction } from "../components/space/Stage.tsx";
import { StagePrompts, useRecordingNotices } from "../components/space/StagePrompts.tsx";
import { ClipButton } from "../components/replay/ClipButton.tsx";
import { VideoTile } from "../components/space/VideoTile.tsx";
import { useCameraNotices } from "../components/space/camera_notices.ts";
import { type Lang, type MessageKey, t } from "../lib/i18n/mod.ts";
import { installPartialNavigation, navigate } from "../lib/browser/partial.ts";
import { type SpaceCommand, type StageMember } from "../lib/protocol/space.ts";
import type { SpacePublicSnapshot } from "../lib/protocol/space_http.ts";
import { canModerate, type JoinTokens } from "../lib/browser/space/client.ts";
import { enterSpace, leaveSpace } from "../lib/browser/space/live.ts";
import { Icon } from "../components/Icon.tsx";
import EndedScreen from "./EndedScreen.tsx";
import { Sheet } from "../components/Sheet.tsx";

interface Props {
  lang: Lang;
  spaceId: string;
  topics: string[];
  initial: SpacePublicSnapshot;
  signInUrl: string;
  /** Tokens minted with the page, used for the first connection. */
  tokens: JoinTokens | null;
}

/** The live Space: renders the server's snapshot at once, then follows the room. */
export default function SpaceScreen({ lang, spaceId, topics, initial, signInUrl, tokens }: Props) {
  const host = initial.space.host;
  const hostName = host.name ?? `@${host.handle ?? "?"}`;
  // The Space outlives this screen: moving to another page keeps it playing in the dock.
  const live = useMemo(() => {
    if (typeof window === "undefined") return null;
    installPartialNavigation();
    return enterSpace({ spaceId, title: initial.space.title, hostName }, tokens);
  }, [spaceId]);
  // On a phone the Space's own bar takes the place of the tabs.
  useEffect(() => {
    document.body.classList.add("in-space");
    return () => document.body.classList.remove("in-space");
  }, []);
  const sheet = useSignal<SheetName | null>(null);
  const confirmingEnd = useSignal(false);
  const pinUrl = useSignal("");
  const reportTarget = useSignal<{ target: { sub: string } | { space: true }; label: string } | null>(null);
  const client = live?.client ?? null;
  const view = client?.view.value;
  const media = live?.audio.value ?? null;
  const stage: StageMember[] = view?.stage ?? initial.stage.map((m) => ({ ...m, present: true }));
  const listenerCount = view?.listenerCount ?? initial.listenerCount;
  const stopped = client?.stopped.value;
  const err = client?.error.value;
  const conn = client?.connection.value ?? "connecting";
  const send = (c: SpaceCommand) => live?.send(c);
  const video = media?.video ?? null;
  const audioOnly = video?.audioOnly.value ?? false;
  const remoteVideo = new Map(
    (media?.session.remote.value ?? []).filter((r) => r.kind === "video" && !r.paused).map((r) => [r.sub, r]),
  );
  const localVideo = video?.localTrack.value ?? null;
  const videoOf = (m: StageMember, name: string) => {
    const label = t(lang, "space.video_of", { name });
    if (m.sub === view?.you.sub) return localVideo ? <VideoTile track={localVideo} label={label} mirrored /> : null;
    const r = remoteVideo.get(m.sub);
    if (!r || audioOnly) return null;
    return <VideoTile key={r.consumerId} track={r.track} label={label} onAsk={(a) => video?.tile(r.consumerId, a)} />;
  };
  // Cameras going on and off are said aloud to screen readers.
  const announce = useSignal("");
  const camSubs = [...remoteVideo.keys(), ...(localVideo && view ? [view.you.sub] : [])];
  useCameraNotices(lang, camSubs, stage, (said) => (announce.value = said));
  const onStage = !!view && stage.some((m) => m.sub === view.you.sub);
  const recording = view?.space.recording ?? initial.space.recording;
  useRecordingNotices(lang, view, onStage, (said) => (announce.value = said));
  const leave = () => {
    leaveSpace();
    void navigate(new URL("/", location.href).href, { push: true, scroll: 0 });
  };

  function onStageAction(action: StageAction, m: StageMember) {
    if (action === "report") {
      const label = t(lang, "space.report_person", { name: m.name ?? `@${m.handle}` });
      reportTarget.value = { target: { sub: m.sub }, label };
      sheet.value = "settings";
      return;
    }
    send({ type: action, sub: m.sub });
  }
  if (stopped === "ended" || view?.space.status === "ended") {
    return <EndedScreen lang={lang} live={initial} recording={recording} />;
  }
  if (stopped === "removed" || stopped === "blocked") {
    return (
      <p class="notice" role="alert">
        {t(lang, stopped === "removed" ? "space.you_were_removed" : "space.err.blocked")}
      </p>
    );
  }
  if (stopped === "kicked") {
    return (
      <p class="notice" role="alert">
        {t(lang, "space.err.rate_limited")} <a href="">{t(lang, "offline.retry")}</a>
      </p>
    );
  }

  const close = () => {
    sheet.value = null;
    reportTarget.value = null;
  };
  const mod = !!view && canModerate(view);
  const bar: ActionBarProps | null = view
    ? {
      lang,
      view,
      signInUrl,
      onUnmute: () => live?.unmute(),
      onMute: () => send({ type: "muteSelf" }),
      camera: video?.camera.value ?? "off",
      onCamera: (on) => void (on ? video?.start() : video?.stop()),
      onHand: (raise) => send({ type: raise ? "requestToSpeak" : "cancelRequest" }),
      open: (s) => (sheet.value = s),
    }
    : null;
  // Clipping needs an account (as on X): an anonymous listener's button leads to sign-in.
  const clip = view && (
    <ClipButton
      lang={lang}
      spaceId={spaceId}
      title={initial.space.title}
      label={t(lang, "rec.clip_live")}
      signedIn={!view.you.anonymous}
    />
  );
  return (
    <div class="space-room">
      <SpaceHeader
        lang={lang}
        spaceId={spaceId}
        title={initial.space.title}
        topics={topics}
        hostName={hostName}
        listenerCount={listenerCount}
        recording={recording}
        onLeave={live ? leave : undefined}
      />
      <AudioBar
        lang={lang}
        room={conn}
        audio={media?.session.state.value ?? "connecting"}
        needsTap={media?.needsTap.value ?? false}
        onTap={() => media?.tapToListen()}
        micProblem={media?.micProblem.value ?? null}
      />
      {err && <p class="error" role="alert">{t(lang, `space.err.${err.code}` as MessageKey)}</p>}
      {video?.problem.value && (
        <p class="error" role="alert">
          {t(lang, video.problem.value === "denied" ? "space.camera_denied" : "space.camera_unavailable")}
        </p>
      )}
      <p class="visually-hidden" role="status" aria-live="polite">{announce.value}</p>
      {view && <StagePrompts lang={lang} view={view} onStage={onStage} send={send} />}
      <Stage
        lang={lang}
        stage={stage}
        youSub={view?.you.sub}
        youRole={view?.you.role}
        speaking={media?.session.speaking.value}
        onAction={view ? onStageAction : undefined}
        videoOf={videoOf}
      />
      <PinnedItem
        lang={lang}
        pinned={view?.pinned ?? initial.pinned}
        moderator={mod}
        onUnpin={() => send({ type: "unpin" })}
      />
      {mod && (
        <p class="muted" role="status" data-testid="reconnecting-count">
          {(view?.reconnecting ?? 0) > 0 && t(lang, "space.listeners_reconnecting", { n: view!.reconnecting! })}
        </p>
      )}
      <Listeners lang={lang} count={listenerCount} sample={view?.listeners ?? []} youSub={view?.you.sub} />
      <div class="bursts" aria-hidden="true">
        {client?.bursts.value.map((b) => <span key={b.id} class="burst">{b.emoji}</span>)}
      </div>
      {view && bar && (
        <>
          <ActionBar {...bar} />
          <Sheet
            id="sheet-react"
            open={sheet.value === "react"}
            title={t(lang, "space.reactions")}
            closeLabel={t(lang, "space.close")}
            onClose={close}
          >
            <Reactions lang={lang} send={send} />
          </Sheet>
          <Sheet
            id="sheet-comments"
            open={sheet.value === "comments"}
            title={t(lang, "space.comments")}
            closeLabel={t(lang, "space.close")}
            onClose={close}
          >
            <Comments
              lang={lang}
              comments={view.comments}
              pinned={view.pinned}
              moderator={mod}
              stageSubs={view.stage.map((m) => m.sub)}
              onPin={(c) => send({ type: "pin", commentId: c.id })}
              onInvite={(c) => send({ type: "inviteToSpeak", sub: c.sub })}
              onRemove={(c) => send({ type: "remove", sub: c.sub })}
              youSub={view.you.sub}
            />
            {view.you.anonymous
              ? (
                <p class="notice">
                  <a href={signInUrl}>{t(lang, "space.signin_to_take_part")}</a>
                </p>
              )
              : <CommentComposer lang={lang} send={(text) => !!client?.send({ type: "comment", text })} />}
          </Sheet>
          {recording && !mod && (
            <Sheet
              id="sheet-clip"
              open={sheet.value === "clip"}
              title={t(lang, "rec.clip_live")}
              closeLabel={t(lang, "space.close")}
              onClose={close}
            >
              <p class="rec-note">
                <Icon name="rec" size={18} />
                {t(lang, "rec.being_recorded")}
              </p>
              {clip}
            </Sheet>
          )}
          {mod && (
            <Sheet
              id="sheet-tools"
              open={sheet.value === "tools"}
              title={t(lang, "space.host_tools")}
              closeLabel={t(lang, "space.close")}
              onClose={close}
            >
              <HostTools
                lang={lang}
                view={view}
                send={send}
                pinUrl={pinUrl.value}
                setPinUrl={(v) => (pinUrl.value = v)}
                confirmingEnd={confirmingEnd.value}
                setConfirmingEnd={(v) => (confirmingEnd.value = v)}
                error={err ?? null}
              />
            </Sheet>
          )}
          <Sheet
            id="sheet-settings"
            open={sheet.value === "settings"}
            title={t(lang, "space.audio_settings")}
            closeLabel={t(lang, "space.close")}
            onClose={close}
          >
            <SpilledActions
              p={bar}
              send={send}
              clip={clip}
            />
            <SpaceSettings
              lang={lang}
              view={view}
              media={media}
              send={(c) => !!send(c)}
              report={reportTarget.value}
              setReport={(r) => (reportTarget.value = r)}
            />
          </Sheet>
        </>
      )}
    </div>
  );
}
