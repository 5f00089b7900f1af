import { useEffect, useState } from 'react';
import type { ChatAttachment, ChatEntry, ContactId } from '@lineup/protocol';
import { attachmentBytesMax, type LineupCustomer } from '@lineup/sdk';
import { useLanguage } from './i18n.tsx';
import type { Language } from './languages.ts';
import { sharedWords } from './shared-words.ts';

/*
 * A file in a conversation. The download route needs the token in a header,
 * so an <img src> or a plain link cannot fetch it: the page loads the bytes
 * through the SDK and shows them from an object URL (the pages' CSP allows
 * blob: images), revoked when the message leaves the screen.
 */

/** The types the server serves inline, shown as thumbnails; anything else is a download. */
const imageTypes = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** Loads an attachment's bytes (the SDK's `downloadAttachment`). */
export type AttachmentLoader = (attachmentId: string) => Promise<Blob>;

/** What sending a file needs of a client: every role's client has both. */
export type FileSender = Pick<LineupCustomer, 'uploadAttachment' | 'sendChat'>;

/**
 * Sends a file into a conversation (docs/api.md § Chat): past the server's
 * limit it says so (in `language`) before uploading; else it uploads, then
 * sends the message that carries it, and answers with that message.
 */
export async function sendFile(
  client: FileSender,
  contactId: ContactId,
  file: File,
  language: Language = 'en',
): Promise<ChatEntry> {
  if (file.size > attachmentBytesMax) {
    throw new Error(
      sharedWords[language].fileTooLarge(
        file.name,
        sizeInWords(file.size, language),
        sizeInWords(attachmentBytesMax, language),
      ),
    );
  }
  const attachment = await client.uploadAttachment(contactId, {
    bytes: file,
    name: file.name,
    contentType: file.type === '' ? 'application/octet-stream' : file.type,
  });
  return client.sendChat(contactId, { attachmentId: attachment.id });
}

/** "12 KB", "1.5 MB": a file's size as people read it. */
export function sizeInWords(sizeBytes: number, language: Language = 'en'): string {
  if (sizeBytes < 1024) return sharedWords[language].bytes(sizeBytes);
  if (sizeBytes < 1_048_576) return `${Math.round(sizeBytes / 1024)} KB`;
  return `${(sizeBytes / 1_048_576).toFixed(1)} MB`;
}

/** An image as a thumbnail, another file as a link that downloads it. */
export function AttachmentView({
  attachment,
  load,
}: {
  attachment: ChatAttachment;
  load: AttachmentLoader;
}) {
  const [url, setUrl] = useState<string | null>(null);
  const [isFailed, setFailed] = useState(false);
  const language = useLanguage();

  useEffect(() => {
    let objectUrl: string | null = null;
    let isCurrent = true;
    load(attachment.id).then(
      (blob) => {
        if (!isCurrent) return;
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
      },
      () => {
        if (isCurrent) setFailed(true);
      },
    );
    return () => {
      isCurrent = false;
      if (objectUrl !== null) URL.revokeObjectURL(objectUrl);
    };
  }, [attachment.id, load]);

  const label = `${attachment.name} (${sizeInWords(attachment.bytes, language)})`;
  if (isFailed) {
    return (
      <span className="message-attachment">
        {label}: {sharedWords[language].couldNotLoad}
      </span>
    );
  }
  if (url === null) return <span className="message-attachment">{label}…</span>;
  if (imageTypes.has(attachment.contentType)) {
    return (
      <a className="message-attachment" href={url} download={attachment.name}>
        <img className="message-image" src={url} alt={attachment.name} />
      </a>
    );
  }
  return (
    <a className="message-attachment" href={url} download={attachment.name}>
      📎 {label}
    </a>
  );
}
