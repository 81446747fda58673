/** Control characters other than tab and line breaks: never meaningful in a name, a search or a message. */
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
export const NO_CONTROL_CHARACTERS = "must not contain control characters";
