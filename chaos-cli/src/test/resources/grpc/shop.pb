
ÿ
google/protobuf/timestamp.protogoogle.protobuf";
	Timestamp
seconds (Rseconds
nanos (RnanosB…
com.google.protobufBTimestampProtoPZ2google.golang.org/protobuf/types/known/timestamppbø¢GPBªGoogle.Protobuf.WellKnownTypesbproto3
R
shop/common.protoshop.common"(
Money
currency (	
units (bproto3
Ï
shop/api.protoshopshop/common.protogoogle/protobuf/timestamp.proto")
OrderRequest

id (	
count ("r
Order

id (	!
total (2.shop.common.Money+
created (2.google.protobuf.Timestamp
items (	2\
Orders&
Get.shop.OrderRequest.shop.Order*
Watch.shop.OrderRequest.shop.Order0bproto3