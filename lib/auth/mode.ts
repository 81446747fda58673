import { serverEnv } from "../env";
import { discordSettings } from "./discord-settings";

export function signInMode(): "real" | "demo" | "off" {
  return discordSettings(serverEnv()).mode;
}
