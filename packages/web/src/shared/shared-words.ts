import type { Catalog } from './languages.ts';

/*
 * The words of the pieces every app shares: the conversation, its files, the
 * connection line and the sign-in page.
 */

const en = {
  conversationWith: (name: string) => `Conversation with ${name}`,
  you: 'You',
  read: 'Read',
  isTyping: (name: string) => `${name} is typing…`,
  message: 'Message',
  writeMessage: 'Write a message',
  conversationClosed: 'The conversation is closed',
  attachFile: 'Attach a file',
  send: 'Send',
  notSent: 'The message was not sent.',
  fileNotSent: 'The file was not sent.',
  fileTooLarge: (name: string, size: string, limit: string) =>
    `${name} is too large to send (${size}); a file may be up to ${limit}. Please choose a smaller one.`,
  couldNotLoad: 'could not be loaded',
  bytes: (count: number) => `${count} bytes`,
  connecting: 'Connecting…',
  reconnecting: 'Connection lost — reconnecting…',
  disconnected: 'Disconnected.',
  disconnectedBecause: (reason: string) => `Disconnected: ${reason}`,
  somethingWentWrong: 'Something went wrong; please try again.',
  signInHelpBefore: 'Open this page with a sign-in link',
  signInHelpPrints: 'prints links for the demo, and your back-end mints tokens with',
  signInHelpPaste: 'Or paste a token here.',
  token: 'Token',
  signIn: 'Sign in',
  signOut: 'Sign out',
  loading: 'Loading…',
};

/** The shared pieces' words, by language. */
export const sharedWords: Catalog<typeof en> = {
  en,
  zh: {
    conversationWith: (name) => `与${name}的对话`,
    you: '您',
    read: '已读',
    isTyping: (name) => `${name}正在输入…`,
    message: '消息',
    writeMessage: '输入消息',
    conversationClosed: '对话已结束',
    attachFile: '添加文件',
    send: '发送',
    notSent: '消息未发送。',
    fileNotSent: '文件未发送。',
    fileTooLarge: (name, size, limit) =>
      `${name}太大，无法发送（${size}）；文件最大为${limit}。请选择较小的文件。`,
    couldNotLoad: '无法加载',
    bytes: (count) => `${count}字节`,
    connecting: '正在连接…',
    reconnecting: '连接中断，正在重新连接…',
    disconnected: '已断开连接。',
    disconnectedBecause: (reason) => `已断开连接：${reason}`,
    somethingWentWrong: '出了点问题，请重试。',
    signInHelpBefore: '请用登录链接打开此页面',
    signInHelpPrints: '会为演示打印链接，您的后端可以用以下接口签发令牌：',
    signInHelpPaste: '或者在此粘贴令牌。',
    token: '令牌',
    signIn: '登录',
    signOut: '退出登录',
    loading: '加载中…',
  },
};
