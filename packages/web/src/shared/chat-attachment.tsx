import { useEffect, useState } from 'react';
import type { ChatAttachment } from '@lineup/protocol';

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

/** "12 KB", "1.5 MB": a file's size as people read it. */
export function sizeInWords(sizeBytes: number): string {
  if (sizeBytes < 1024) return `${sizeBytes} bytes`;
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

  const label = `${attachment.name} (${sizeInWords(attachment.bytes)})`;
  if (isFailed) return <span className="message-attachment">{label}: could not be loaded</span>;
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
