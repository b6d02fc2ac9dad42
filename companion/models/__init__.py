"""Networks on tensors only -- no music types here, so each can be tested on random tensors and
reused by any codec: ``musegan`` (02), ``imagegan`` (03), ``gpt`` (04, 05)."""
