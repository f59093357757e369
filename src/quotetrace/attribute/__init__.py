"""Attribute stage: entities in the article, speakers and addressees resolved to names."""
