"""Local apps: a function and the AWS around it, as a learner deploys them."""
