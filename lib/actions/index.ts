import { getSessionUser } from "../auth/session";
import { createActionChain } from "./action-chain";

export const { userAction, communityAction, communityWorkflow } = createActionChain({ getActor: getSessionUser });
export { ActionError, type ActionResult, type ActionState, type FieldErrors } from "./action-chain";
