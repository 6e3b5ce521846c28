terraform {
  source = "git::https://git.example.com/infra/cdn.git//modules/cdn?ref=v2.3.0"
}

inputs = {
  domain = "www.staging.shop.example.com"
}
