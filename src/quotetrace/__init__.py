"""quotetrace."""
