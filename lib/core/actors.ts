// Who acts and on which community: the shapes every domain takes from its caller.

export type Actor = { id: string; discordId: string; username: string };
export type CommunityRef = { id: string; slug: string; name: string; ownerId: string; stripeAccountId: string | null; subscriptionTier: string };
