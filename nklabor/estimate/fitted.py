"""temporary"""

FIT = {"values": {"level_mean": 6.6, "level_sd": 2.0, "ou_sd": 1.0, "ou_rate": 0.2, "jump_rate": 0.1, "error_sd_high": 0.15, "error_sd_medium": 0.3, "error_sd_low": 0.6, "error_df": 3.0, "arrival_retention": 0.5}, "fingerprint": "x", "loglik": 0, "n_observations": 0, "n_hosts": 0}
