-- Which mention, model and prompt produced an assistant post: AssistantService.provenance(postId) looks a post
-- up among the ledger's reply ids (ai owns V200..V299; the assistant part V200..V209).
CREATE INDEX assistant_mentions_reply_posts ON assistant_mentions USING gin (reply_post_ids);
