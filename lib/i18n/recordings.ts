// Strings of recordings, replays and clips, in the three languages. Keys start with "rec.".
const en = {
  "rec.err.bad_clip": "A clip starts anywhere from 0 to {max} ms of this replay.",
  "rec.err.bad_id": "That is not a recording or clip of Spazio.",
  "rec.err.bad_trim": "The replay can start anywhere from 0 to {max} ms.",
  "rec.err.clips_off": "The host turned clips off for this Space.",
  "rec.err.forbidden": "Only the host can do that.",
  "rec.err.removed": "You were removed from this Space.",
  "rec.err.not_recorded": "This Space was not recorded.",
  "rec.err.nothing_recorded": "Nothing has been recorded yet.",
  "rec.err.recording_gone": "This recording was deleted.",
  "rec.err.recording_expired": "This recording has expired.",
  "rec.err.clip_gone": "This clip has expired.",
  "rec.err.recording_not_ready": "The replay is still being made; try again in a moment.",
  "rec.err.recording_over": "This Space's recording is already finished.",
} as const;

const fr: Record<keyof typeof en, string> = {
  "rec.err.bad_clip": "Un extrait commence entre 0 et {max} ms de ce replay.",
  "rec.err.bad_id": "Ce n’est pas un enregistrement ou un extrait de Spazio.",
  "rec.err.bad_trim": "Le replay peut commencer entre 0 et {max} ms.",
  "rec.err.clips_off": "L’hôte a désactivé les extraits pour ce Space.",
  "rec.err.forbidden": "Seul l’hôte peut faire cela.",
  "rec.err.removed": "Vous avez été retiré de ce Space.",
  "rec.err.not_recorded": "Ce Space n’a pas été enregistré.",
  "rec.err.nothing_recorded": "Rien n’a encore été enregistré.",
  "rec.err.recording_gone": "Cet enregistrement a été supprimé.",
  "rec.err.recording_expired": "Cet enregistrement a expiré.",
  "rec.err.clip_gone": "Cet extrait a expiré.",
  "rec.err.recording_not_ready": "Le replay est en préparation ; réessayez dans un instant.",
  "rec.err.recording_over": "L’enregistrement de ce Space est déjà terminé.",
};

const it: Record<keyof typeof en, string> = {
  "rec.err.bad_clip": "Una clip inizia tra 0 e {max} ms di questo replay.",
  "rec.err.bad_id": "Questa non è una registrazione o una clip di Spazio.",
  "rec.err.bad_trim": "Il replay può iniziare tra 0 e {max} ms.",
  "rec.err.clips_off": "L’host ha disattivato le clip per questo Space.",
  "rec.err.forbidden": "Solo l’host può farlo.",
  "rec.err.removed": "Sei stato rimosso da questo Space.",
  "rec.err.not_recorded": "Questo Space non è stato registrato.",
  "rec.err.nothing_recorded": "Non è stato ancora registrato nulla.",
  "rec.err.recording_gone": "Questa registrazione è stata eliminata.",
  "rec.err.recording_expired": "Questa registrazione è scaduta.",
  "rec.err.clip_gone": "Questa clip è scaduta.",
  "rec.err.recording_not_ready": "Il replay è in preparazione; riprova tra un momento.",
  "rec.err.recording_over": "La registrazione di questo Space è già terminata.",
};

export const recordings = { en, fr, it };
