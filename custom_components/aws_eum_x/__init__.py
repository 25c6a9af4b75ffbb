"""The AWS End User Messaging SMS integration."""
