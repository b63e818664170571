// The app's configuration, where Fresh keeps it: the islands (each hydrated from its own bundle)
// and the server options. See DESIGN.md, "Web layer".
import AddPasskey from "./islands/AddPasskey.tsx";
import CallBack from "./islands/CallBack.tsx";
import CallRinger from "./islands/CallRinger.tsx";
import CallScreen from "./islands/CallScreen.tsx";
import CallSettings from "./islands/CallSettings.tsx";
import CreateSpace from "./islands/CreateSpace.tsx";
import DmInbox from "./islands/DmInbox.tsx";
import DmThread from "./islands/DmThread.tsx";
import EndedScreen from "./islands/EndedScreen.tsx";
import LiveSpaces from "./islands/LiveSpaces.tsx";
import NowPlaying from "./islands/NowPlaying.tsx";
import PeopleSearch from "./islands/PeopleSearch.tsx";
import ProfileActions from "./islands/ProfileActions.tsx";
import ProfileEditor from "./islands/ProfileEditor.tsx";
import PushToggle from "./islands/PushToggle.tsx";
import ReplayPlayer from "./islands/ReplayPlayer.tsx";
import ScheduledActions from "./islands/ScheduledActions.tsx";
import ShareButton from "./islands/ShareButton.tsx";
import SignIn from "./islands/SignIn.tsx";
import SignUp from "./islands/SignUp.tsx";
import SpaceScreen from "./islands/SpaceScreen.tsx";

export const islands = {
  AddPasskey,
  CallBack,
  CallRinger,
  CallScreen,
  CallSettings,
  CreateSpace,
  DmInbox,
  DmThread,
  EndedScreen,
  LiveSpaces,
  NowPlaying,
  PeopleSearch,
  ProfileActions,
  ProfileEditor,
  PushToggle,
  ReplayPlayer,
  ScheduledActions,
  ShareButton,
  SignIn,
  SignUp,
  SpaceScreen,
};

export default {
  islands,
  /**
   * Islands and the modules they import dynamically as soon as they hydrate (a Space page joins
   * audio at once): their pages preload those chunks at low priority, so they arrive early but
   * first paint never waits for them (lib/server/render.tsx).
   */
  preloadDynamicImports: { SpaceScreen: ["lib/browser/space/early_start.ts"] },
  server: {
    /** Largest request body the web server reads; larger gets 413. */
    maxBodyBytes: 64 * 1024,
  },
};
