"""Policy monitoring: baselines and targets per indicator and territory, traffic lights, a
trend test and the monitoring table of a whole policy.

Example:
    >>> from ciudadana.monitoring import load_policy
    >>> load_policy("gtm-ejemplo").country
    'GTM'
"""

from ciudadana.monitoring.evaluate import PolicyReport, monitor_policy
from ciudadana.monitoring.policy import InvalidPolicy, Policy, load_policy, shipped_policies
from ciudadana.monitoring.trend import Trend, poisson_trend

__all__ = [
    "InvalidPolicy",
    "Policy",
    "PolicyReport",
    "Trend",
    "load_policy",
    "monitor_policy",
    "poisson_trend",
    "shipped_policies",
]
