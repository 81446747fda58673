import { headers } from "next/headers";
import { getSessionUser } from "../auth/session";
import { requestIdFrom } from "../observability/request-context";
import { createActionChain } from "./action-chain";

export const { userAction, communityAction, communityWorkflow } = createActionChain({
  getActor: getSessionUser,
  // The middleware's id for this request, so the action's log lines carry it.
  requestId: async () => requestIdFrom(await headers()),
});
export { ActionError, type ActionResult, type ActionState, type FieldErrors } from "./action-chain";
